// Types for scripts/deploy.mjs (plain JS: the Dockerfile runs it before anything is compiled for it).
export declare const RUNTIME_FILES: readonly string[]
export declare const DEV_ONLY: readonly string[]
/** Copies what production runs into `dir` (empty or absent) and installs the production dependencies; returns the absolute path. */
export declare function assemble(dir: string): string
export declare function installed(dir: string, names: readonly string[]): string[]
export interface DeployReport {
  healthz: { status: number; body: unknown }
  /** Status of each page the server serves from the prebuilt dist/. */
  pages: Record<string, number>
  roundTrip: { protocol: string; ackSeq: number; answer: unknown }
  /** `node server/dist/desk.js agent add "Deploy Check"`, then `agent list`, against the running server. */
  desk: { add: { status: number | null; out: string }; list: { status: number | null; out: string } }
  /** Exit code (or signal) after SIGTERM. */
  exitCode: number | string | null
  /** What the server printed (its banner and JSON log lines). */
  output: string
}
export declare function check(dir: string): Promise<DeployReport>
export declare function problems(report: DeployReport, present: readonly string[]): string[]
