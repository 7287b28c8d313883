export declare const BUDGETS: { launcher: number; opened: number; lib: number }
export declare function measureSizes(dist?: string): { launcher: number; opened: number; lib: number }
