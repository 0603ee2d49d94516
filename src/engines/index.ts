export type * from './engine';
export { createEngine, type EngineOptions } from './create-engine';
export { EngineRegistry } from './engine-registry';
export { deterministicQueryErrorCode, isFatalConnectionError } from './connection-errors';
export { eachRow } from './connection-lost';
export { ExtractedValues } from './extracted-row';
