// Issue 24, point 13: the script builds ship the licence and notice texts of the packages they bundle
// (scripts/third-party-notices.mjs). The bundle's own source map is the witness of what is in it: every
// package with a source under node_modules/ must be listed, with the version installed, and its LICENSE
// and NOTICE files' texts. `npm test` builds dist/ before running this.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { noticesText } from '../../scripts/third-party-notices.mjs';

const ROOT = resolve(__dirname, '../..');
const S3_BUILD = 'auth0-aws-delegation.s3.umd.min.js';
const read = (file: string) => readFileSync(join(ROOT, 'dist', file), 'utf8');

/** The packages whose code a bundle holds, by its source map: name -> package folder. */
function bundledPackages(file: string): Map<string, string> {
  const { sources } = JSON.parse(read(`${file}.map`)) as { sources: string[] };
  const packages = new Map<string, string>();
  for (const source of sources.filter((path) => path.includes('node_modules/'))) {
    const [scope = '', name = ''] = source.split('node_modules/').pop()!.split('/');
    const packageName = scope.startsWith('@') ? `${scope}/${name}` : scope;
    packages.set(packageName, join(ROOT, 'node_modules', packageName));
  }
  return packages;
}

/** The names and versions a notices file lists (a section's first line: `name version`). */
const listed = (text: string) => new Map([...text.matchAll(/^-{78}\n\n(\S+) (\S+)\n/gm)].map((match) => [match[1]!, match[2]!]));
/** A package's own file (LICENSE, NOTICE, any case or extension) as it ships, or undefined. */
function packageFile(folder: string, name: 'license' | 'notice'): string | undefined {
  const file = readdirSync(folder).find((entry) => entry.toLowerCase().replace(/\.(md|txt)$/, '') === name);
  return file === undefined ? undefined : readFileSync(join(folder, file), 'utf8').trim();
}

describe(`dist/${S3_BUILD}.LICENSE.txt`, () => {
  const text = read(`${S3_BUILD}.LICENSE.txt`);
  const bundled = bundledPackages(S3_BUILD);

  const versions = () => Object.fromEntries([...bundled].map(([name, folder]) => [name, (JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { version: string }).version]));

  it('lists every package the bundle holds code of, at the version installed, and no other', () => {
    expect(bundled.size).toBeGreaterThan(20);
    for (const folder of bundled.values()) expect(existsSync(join(folder, 'package.json')), folder).toBe(true);
    expect(Object.fromEntries(listed(text))).toEqual(versions());
  });

  it('negative control: with one package\'s section cut out, the same comparison finds it missing', () => {
    const [before, after = ''] = text.split('\nbuffer ');
    const cut = before + after.slice(after.indexOf(`\n${'-'.repeat(78)}\n`));
    expect(listed(cut).has('buffer')).toBe(false);
    expect(Object.fromEntries(listed(cut))).not.toEqual(versions());
  });

  it('carries each package\'s LICENSE and NOTICE text as it ships (the AWS SDK\'s Apache-2.0 among them)', () => {
    for (const [name, folder] of bundled) {
      const section = text.split(`\n${name} `)[1]!.split(`\n${'-'.repeat(78)}\n`)[0]!;
      const licence = packageFile(folder, 'license');
      if (licence === undefined) expect(section, name).toMatch(/ships no licence file; its package.json names (\S+): the text of \1 is the one given for/);
      else expect(section, name).toContain(licence);
      const notice = packageFile(folder, 'notice');
      if (notice !== undefined) expect(section, name).toContain(`NOTICE\n\n${notice}`);
    }
    expect(text).toContain('Apache License\n                           Version 2.0, January 2004');
  });

  it('the bundle says where it is, and its source map still lines up (line 1 is that comment)', () => {
    expect(read(S3_BUILD).split('\n')[0]).toBe(`/*! For license information please see ${S3_BUILD}.LICENSE.txt */`);
    expect((JSON.parse(read(`${S3_BUILD}.map`)) as { mappings: string }).mappings.startsWith(';')).toBe(true);
  });

});

describe.each(['auth0-aws-delegation.umd.min.js', 'auth0-aws-delegation.v7.min.js'])('dist/%s.LICENSE.txt', (file) => {
  it('lists exactly the two dependencies the build bundles, ky and jwt-decode, with their MIT texts', () => {
    const text = read(`${file}.LICENSE.txt`);
    expect([...bundledPackages(file).keys()].sort()).toEqual(['jwt-decode', 'ky']);
    expect([...listed(text).keys()]).toEqual(['jwt-decode', 'ky']);
    for (const name of ['jwt-decode', 'ky']) expect(text).toContain(packageFile(join(ROOT, 'node_modules', name), 'license'));
    expect(read(file).split('\n')[0]).toBe(`/*! For license information please see ${file}.LICENSE.txt */`);
  });
});

describe('noticesText', () => {
  const pkg = (name: string, extra: Record<string, unknown> = {}) => ({ name, version: '1.0.0', license: 'MIT', licenseText: null, noticeText: null, repository: null, homepage: null, ...extra });

  it('sorts by name, names a licence file that is missing, and keeps a NOTICE', () => {
    const text = noticesText('b.js', [pkg('zed'), pkg('abc', { licenseText: 'MIT text', noticeText: 'Copyright notice', repository: { url: 'https://example.com/abc.git' } })]);
    expect([...listed(text).keys()]).toEqual(['abc', 'zed']);
    expect(text).toContain('abc 1.0.0\nLicense: MIT\nSource: https://example.com/abc.git\n\nMIT text\n\nNOTICE\n\nCopyright notice');
    expect(text).toContain('zed 1.0.0\nLicense: MIT\n\n(The package ships no licence file; its package.json names MIT: the text of MIT is the one given for abc in this file.)');
  });
});

