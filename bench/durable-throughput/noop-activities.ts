export function createNoopActivities() {
  return {
    async noop(): Promise<string> {
      return 'ok';
    },
  };
}

export type NoopActivities = ReturnType<typeof createNoopActivities>;
