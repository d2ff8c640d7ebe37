// Launches an engine by name. `ENGINES=firefox,webkit` narrows a local run; `npm test` runs all three.
import { launchChromium } from './chromium.ts';
import { ENGINE_NAMES } from './engine.ts';
import type { Engine, EngineName } from './engine.ts';
import { launchFirefox } from './firefox.ts';
import { launchWebKit } from './webkit.ts';

const LAUNCHERS: Record<EngineName, () => Promise<Engine>> = { chromium: launchChromium, firefox: launchFirefox, webkit: launchWebKit };

export function launchEngine(name: EngineName): Promise<Engine> {
  return LAUNCHERS[name]();
}

/** The engines this run covers: all of them, unless ENGINES names some (a local shortcut). */
export function enginesToRun(): EngineName[] {
  const asked = process.env['ENGINES']?.split(',').map((name) => name.trim()).filter(Boolean);
  if (!asked || asked.length === 0) return [...ENGINE_NAMES];
  const unknown = asked.filter((name) => !(ENGINE_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`ENGINES: unknown ${unknown.join(', ')} (known: ${ENGINE_NAMES.join(', ')})`);
  return asked as EngineName[];
}
