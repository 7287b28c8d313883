/** The machine a run measured on, recorded next to every number. */
import { cpus, totalmem } from 'node:os'

export interface Machine {
  cores: number
  cpuModel: string
  memoryGiB: number
  node: string
  platform: string
}

export function describeMachine(): Machine {
  const list = cpus()
  return {
    cores: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  }
}
