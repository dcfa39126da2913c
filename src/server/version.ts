import packageJson from "../../package.json" with { type: "json" };

/** The package version, built into dist/ (the bundle inlines it), shown by /healthz and `taskrpc --version`. */
export const version: string = packageJson.version;
