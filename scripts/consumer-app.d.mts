// Types for scripts/consumer-app.mjs.
export declare function writeConsumerApp(dir: string): void
export declare function measureBuild(outDir: string): { eager: number; lazy: Record<string, number> }
export declare function measureConsumer(appDir: string): { base: number; added: number; parts: number; largestCatalogue: number }
