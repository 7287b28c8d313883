// Types for scripts/size.mjs (plain JS so `npm run size` runs without a compile step).
export declare const BUDGETS: { launcher: number; opened: number; consumer: number }
export declare function measureSizes(dist?: string): { launcher: number; opened: number; catalogue: number; parts: number }
export declare function measureConsumerSize(dist?: string): Promise<{ base: number; added: number; parts: number; largestCatalogue: number }>
/** Ceilings while a size is over its DESIGN.md budget. */
export declare const CEILINGS: { consumer: number }
