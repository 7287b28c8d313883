// Types for scripts/size.mjs (plain JS so `npm run size` runs without a compile step).
export declare const BUDGETS: { launcher: number; opened: number; lib: number }
export declare function measureSizes(dist?: string): { launcher: number; opened: number; lib: number; catalogue: number }
/** Ceilings while a size is over its DESIGN.md budget. */
export declare const CEILINGS: { opened: number; lib: number }
