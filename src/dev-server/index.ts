export * from './temporal-cli';
export * from './start-dev-server';
