// The Redis-backed queue lives in its own entry: bullmq loads tslib's CommonJS build, which writes its helpers
// (__extends, __awaiter, …) onto globalThis. Importing the main entry must not do that, so BullMQ is opt-in here.
export {
  BullmqJobQueue,
  BullmqJobWorker,
  DEFAULT_QUEUE_NAME,
  type BullmqConnectionOptions,
  type BullmqWorkerOptions,
} from './jobs/bullmq-queue';
export { startWorker, type StartWorkerOptions } from './worker';
