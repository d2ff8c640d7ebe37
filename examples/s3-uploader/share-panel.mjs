// The "Share" panel of uploader.mjs's markup: pick a lifetime (only those the storage access can honour
// are offered, and the page says why the longer ones are not there), create the link (share.mjs), copy
// it ("Link copied" next to the button). Escape or Close returns the focus to the Share button that
// opened it.

import { LIFETIMES, secondsLeft, shareLink } from './share.mjs';

export function sharePanel({ sdk, s3, bucket, ui, credentials }) {
  const $ = (id) => document.getElementById(id);
  let current = null; // { key, name, opener }

  async function open(key, name, opener) {
    current = { key, name, opener };
    $('share-name').textContent = name;
    $('share-result').hidden = true;
    $('share-copied').textContent = '';
    $('share').hidden = false;
    const access = await credentials().catch(() => null);
    const left = secondsLeft(access);
    const select = $('share-lifetime');
    select.textContent = '';
    const fitting = LIFETIMES.filter(({ seconds }) => seconds <= left);
    for (const { seconds, label } of fitting) select.append(new Option(label, String(seconds)));
    const longer = LIFETIMES.filter(({ seconds }) => seconds > left).map(({ label }) => label);
    const until = new Date(Date.now() + left * 1000);
    $('share-note').textContent = left > 0
      ? 'Anyone with the link can download this file until it expires. A link is signed with your storage access, which ends at ' + until.toLocaleTimeString() + ' (in ' + Math.round(left / 60) + ' min): no link works longer than that'
        + (longer.length ? ', so ' + longer.join(', ') + ' ' + (longer.length === 1 ? 'is' : 'are') + ' not offered.' : '.')
      : 'Your storage access has ended: sign in again to share.';
    $('share-create').disabled = fitting.length === 0;
    $('share-title').focus();
    $('share').scrollIntoView({ block: 'nearest' });
  }

  async function create() {
    try {
      const access = await credentials();
      const link = await shareLink({ sdk, s3, bucket, key: current.key, name: current.name, seconds: Number($('share-lifetime').value), credentials: access });
      $('share-url').value = link.url;
      $('share-expiry').textContent = 'This link works until ' + link.expiresAt.toLocaleString() + '.';
      $('share-result').hidden = false;
      $('share-url').focus();
      $('share').scrollIntoView({ block: 'nearest' }); // the link and how long it works, in view together
      $('share-url').select();
      ui.announce('Link created. It works until ' + link.expiresAt.toLocaleString() + '.');
    } catch (error) {
      ui.showError(error);
    }
  }

  function copy() {
    const url = $('share-url').value;
    const copied = navigator.clipboard ? navigator.clipboard.writeText(url) : Promise.reject(new Error('no clipboard'));
    // Said next to the button, where the eye is (and to screen readers: the text is a status).
    copied.then(() => ($('share-copied').textContent = 'Link copied.'), () => {
      $('share-url').select();
      $('share-copied').textContent = 'The link is selected: press Control+C (or Command+C) to copy it.';
    });
  }

  function close() {
    $('share').hidden = true;
    current?.opener?.focus();
    current = null;
  }

  $('share-create').addEventListener('click', create);
  $('share-copy').addEventListener('click', copy);
  $('share-close').addEventListener('click', close);
  $('share').addEventListener('keydown', (event) => { if (event.key === 'Escape') close(); });
  return { open, close };
}
