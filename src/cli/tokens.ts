import type { Command } from "commander";
import type { TaskDatabase } from "../data";
import { createTokenInput, tokenScopes } from "../domain";
import { CliFailure, exitCodes } from "./failure";

type Io = { stdout: (text: string) => void; stderr: (text: string) => void };

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/**
 * `taskrpc tokens create|list|revoke`: managed on the database file, like every command, so only whoever may
 * open that file can mint or revoke access to the API.
 */
export function addTokenCommands(program: Command, database: () => Promise<TaskDatabase>, io: Io): void {
  const tokens = program
    .command("tokens")
    .description("access tokens for the HTTP API: create, list, revoke (while one is live, every /trpc call needs one)");

  tokens
    .command("create")
    .description("create a token and print its secret, shown this once (the database keeps only a hash)")
    .requiredOption("--name <name>", "a name for the token, unique, 1–100 characters")
    .addOption(tokens.createOption("--scope <scope>", "read: queries only; write: queries and mutations").choices(tokenScopes).makeOptionMandatory())
    .option("--expires-in <duration>", "lifetime: a number and m (minutes), h (hours) or d (days), e.g. 30d (default: never expires)")
    .action(async (options: { name: string; scope: string; expiresIn?: string }) => {
      const parsed = createTokenInput.safeParse(options);
      if (!parsed.success) {
        const detail = parsed.error.issues.map((issue) => `${issue.path.join(".") || "input"}: ${issue.message}`).join("; ");
        throw new CliFailure(`VALIDATION: ${detail}`, exitCodes.usage);
      }
      const created = await (await database()).tokens.create(parsed.data);
      if (created === "name-taken") {
        throw new CliFailure(`VALIDATION: a token named "${parsed.data.name}" exists; choose another name or revoke it first`, exitCodes.usage);
      }
      io.stdout(json({ ...created.token, secret: created.secret }));
      io.stderr("Store the secret now: it is not shown again. Send it as the header Authorization: Bearer <secret>\n");
    });

  tokens
    .command("list")
    .description("list the tokens: name, scope, created, expires, last used (never a secret)")
    .action(async () => {
      io.stdout(json(await (await database()).tokens.list()));
    });

  tokens
    .command("revoke")
    .description("revoke a token: its secret stops working at once")
    .requiredOption("--name <name>", "the token's name (taskrpc tokens list shows them)")
    .action(async (options: { name: string }) => {
      if (!(await (await database()).tokens.revoke(options.name))) {
        throw new CliFailure(`NOT_FOUND: no token named "${options.name}" (taskrpc tokens list shows them)`, exitCodes.refused);
      }
      io.stdout(json({ name: options.name, revoked: true }));
    });
}
