/**
 * @module protocol
 * The contract between widget, desk and BFF. Imports nothing outside this folder.
 */
export * from './frames'
export * from './rich'
export * from './errors'
export * from './limits'
export * from './parse'
export * from './http'
export * from './desk'
export * from './feedback'
export * from './outbox'
export { parseJson } from './read'
