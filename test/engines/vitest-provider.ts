// A vitest browser-mode provider over the engine driver (engine.ts), for the engines that
// @vitest/browser-playwright cannot launch here (Playwright's own Firefox and WebKit builds cannot be
// downloaded): it opens vitest's tester page in a tab and closes the engine at the end. The tests use no
// provider commands (no `vitest/browser` page or userEvent), so opening the page is all it has to do.
import { defineBrowserProvider } from '@vitest/browser';
import type { BrowserProvider, BrowserProviderOption } from 'vitest/node';
import { ENGINE_NAMES } from './engine.ts';
import type { Engine, EngineName, Session, Tab } from './engine.ts';
import { launchEngine } from './launch.ts';

class EngineProvider implements BrowserProvider {
  readonly name: string;
  readonly supportsParallelism = false;
  private engine?: Promise<Engine>;
  private session?: Promise<Session>;
  private readonly tabs = new Map<string, Tab>();

  constructor(private readonly engineName: EngineName) {
    this.name = `engines (${engineName})`;
  }

  getCommandsContext(): Record<string, unknown> {
    return {};
  }

  async openPage(sessionId: string, url: string): Promise<void> {
    const open = this.tabs.get(sessionId);
    if (open) return open.goto(url);
    this.engine ??= launchEngine(this.engineName);
    this.session ??= this.engine.then((engine) => engine.newSession());
    this.tabs.set(sessionId, await (await this.session).newTab(url));
  }

  async close(): Promise<void> {
    const engine = this.engine;
    this.engine = undefined;
    this.session = undefined;
    this.tabs.clear();
    await (await engine?.catch(() => undefined))?.close();
  }
}

/** The provider option of a browser project whose instances name engines (`{ browser: 'firefox' }`). */
export function engineProvider(): BrowserProviderOption {
  return defineBrowserProvider({
    name: 'engines',
    supportedBrowser: ENGINE_NAMES,
    options: {},
    providerFactory: (project) => new EngineProvider(project.config.browser.name as EngineName),
  });
}
