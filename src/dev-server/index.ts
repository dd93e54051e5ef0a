export * from './temporal-cli';
export * from './start-dev-server';
export * from './seaweedfs';
export { BinaryNotFoundError, cacheRoot, type LocatedBinary, type LocateOptions } from './locate-binary';
export * from './start-s3-server';
