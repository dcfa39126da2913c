import { pino, type Logger } from "pino";

export type LogLine = Record<string, unknown> & { level: number; msg: string };

/**
 * A server log kept in memory, each line parsed from the JSON the server writes: `lines` has them all, `errors`
 * those of level error and above (both fill as the server writes).
 */
export function captureLog(level = "info"): { log: Logger; lines: LogLine[]; errors: LogLine[]; requests: () => LogLine[] } {
  const lines: LogLine[] = [];
  const errors: LogLine[] = [];
  const write = (text: string) => {
    const line = JSON.parse(text) as LogLine;
    lines.push(line);
    if (line.level >= 50) errors.push(line);
  };
  return { log: pino({ level, base: undefined }, { write }), lines, errors, requests: () => lines.filter((line) => line.msg === "request") };
}
