export { configRefOf } from './hash';
export { ConfigRefCodec } from './codec';
export { ConfigNotFoundError, ConfigSource, storeConfig } from './store';
