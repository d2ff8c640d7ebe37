// s3rver ships no types; the gate uses its constructor, configureBuckets() and Koa's callback().
declare module 's3rver' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  interface S3rverOptions {
    directory: string;
    silent?: boolean;
    configureBuckets?: { name: string; configs: (string | Buffer)[] }[];
  }
  export default class S3rver {
    constructor(options: S3rverOptions);
    configureBuckets(): Promise<void>;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
  }
}

declare module 'pbac' {
  export default class PBAC {
    constructor(policies: object[], options?: object);
    evaluate(options: { action: string; resource: string; context?: object }): boolean;
  }
}
