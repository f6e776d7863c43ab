export function serviceNodeFlags(root: string, script?: string): string[];
export function serviceNodeEnv(root: string, script?: string): Record<string, string>;
