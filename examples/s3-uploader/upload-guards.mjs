// What Uppy 6 leaves to the page around uploads in progress:
// - a warning before leaving the page while files are uploading (the browser's own "Leave site?" dialog);
// - a stalled request: @uppy/aws-s3 sends each request once more on a dropped connection or a 5xx (its
//   only retries: 4 tries in all, 0.3 s, 0.6 s and 1.2 s apart), but a request that never answers holds
//   its file for ever. A file with no progress for `stallMs` is paused and resumed (a part upload asks
//   S3 which parts it has and sends the rest), at most 3 times, and the page says so;
// - back online: a file whose upload failed while the browser was offline is retried when the
//   connection comes back, without a click (Uppy shows "offline" and "connected" itself).

const MAX_STALL_RETRIES = 3;

/** @param {{ uppy: object, ui: { status(text: string): void }, stallMs: number }} options */
export function uploadGuards({ uppy, ui, stallMs }) {
  const lastProgress = new Map(); // file id -> time of its last progress (or start)
  const stalls = new Map(); // file id -> stalls retried

  const moving = () => uppy.getFiles().filter((file) => file.progress.uploadStarted && !file.progress.uploadComplete && !file.isPaused && !file.error);

  function warnBeforeLeaving(event) {
    if (moving().length === 0) return;
    event.preventDefault();
    event.returnValue = ''; // what older engines need to show the dialog
  }

  function checkStalls() {
    const now = Date.now();
    for (const file of moving()) {
      const since = lastProgress.get(file.id) ?? (lastProgress.set(file.id, now), now);
      if (now - since < stallMs || navigator.onLine === false) continue;
      const tried = stalls.get(file.id) ?? 0;
      lastProgress.set(file.id, now);
      stalls.set(file.id, tried + 1);
      uppy.pauseResume(file.id);
      if (tried >= MAX_STALL_RETRIES) {
        ui.status(file.name + ' is not moving. Check your connection, then press Resume.');
        continue;
      }
      uppy.pauseResume(file.id);
      ui.status('No progress on ' + file.name + ' for ' + Math.round(stallMs / 1000) + ' seconds: trying again.');
    }
  }

  const onProgress = (file) => lastProgress.set(file.id, Date.now());
  const onBackOnline = () => {
    if (uppy.getFiles().some((file) => file.error)) uppy.retryAll();
  };
  uppy.on('upload-progress', onProgress);
  uppy.on('back-online', onBackOnline);
  window.addEventListener('beforeunload', warnBeforeLeaving);
  const timer = setInterval(checkStalls, Math.min(1000, stallMs / 4));

  return {
    stop() {
      clearInterval(timer);
      window.removeEventListener('beforeunload', warnBeforeLeaving);
      uppy.off('upload-progress', onProgress);
      uppy.off('back-online', onBackOnline);
    },
  };
}
