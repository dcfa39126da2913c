export declare const packageRoot: string;
export declare const builtEntry: string;
export declare function buildProblem(root?: string): string | undefined;
