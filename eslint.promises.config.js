import tseslint from "typescript-eslint";
import base from "./eslint.config.js";

/**
 * `npm run lint:promises`: the rules that need type information. The repository answers with promises, and one
 * not awaited lets a refusal go unseen, or a test pass without checking anything. Kept out of `npm run lint`
 * (the loop) because building the type program makes lint several times slower; `npm run check:all` runs it.
 */
export default tseslint.config(...base, {
  files: ["src/**/*.ts", "tests/**/*.ts", "bench/**/*.ts", "scripts/**/*.ts"],
  languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  rules: {
    "@typescript-eslint/no-floating-promises": "error",
    "@typescript-eslint/await-thenable": "error",
  },
});
