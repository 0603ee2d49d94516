export * from './types';
export * from './constants';
export * from './messages';
export * from './verify';
export * from './run-memo';
