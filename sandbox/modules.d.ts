// s3rver ships no types; the gate uses its constructor, configureBuckets(), Koa's callback() and its
// store (DeleteObjects, which the gate answers itself: s3-extras.mjs).
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
    store: { existsObject(bucket: string, key: string): Promise<boolean>; deleteObject(bucket: string, key: string): Promise<void> };
  }
}

declare module 'pbac' {
  export default class PBAC {
    constructor(policies: object[], options?: object);
    evaluate(options: { action: string; resource: string; context?: object }): boolean;
  }
}
