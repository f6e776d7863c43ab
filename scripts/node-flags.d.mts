export function serviceNodeFlags(root: string, script?: string): string[];
