// s3rver ships no types; the gate uses its constructor, configureBuckets(), Koa's callback() and its
// store (DeleteObjects and ListObjectsV2, which the gate answers itself: s3-extras.mjs).
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
    store: S3rverStore;
  }
  export interface S3rverStore {
    existsObject(bucket: string, key: string): Promise<boolean>;
    putObject(object: object): Promise<{ size: number; md5: string }>;
    deleteObject(bucket: string, key: string): Promise<void>;
    listObjects(bucket: string, options: { prefix?: string; delimiter?: string; startAfter?: string; maxKeys?: number }): Promise<{
      objects: { key: string; size: number; lastModifiedDate: Date; metadata: Record<string, string | undefined> }[];
      commonPrefixes: string[];
      isTruncated: boolean;
    }>;
  }
}

// s3rver's object model: picks the metadata it keeps from request headers (CompleteMultipartUpload,
// which the gate answers itself, writes the object through the store with it).
declare module 's3rver/lib/models/object.js' {
  export default class S3Object {
    metadata: Record<string, string>;
    constructor(bucket: string, key: string, content: NodeJS.ReadableStream | Buffer | null, metadata: Record<string, unknown>);
  }
}

// oidc-provider's own in-memory store (lib/ of the pinned version; @types/oidc-provider does not describe it).
declare module 'oidc-provider/lib/adapters/memory_adapter.js' {
  import type { AdapterFactory } from 'oidc-provider';
  export function createMemoryAdapter(clockTolerance?: number): AdapterFactory;
}
