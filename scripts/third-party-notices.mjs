// @ts-check
// The third-party notices of a script build. Minifying drops every comment, licence banners included, and
// the S3 script build carries 25 packages (the AWS SDK's, under Apache-2.0, whose section 4 asks for its
// licence and NOTICE text to travel with it). rollup-plugin-license finds the package of every module
// that has code in the bundle and reads its package.json, LICENSE and NOTICE files; this writes them,
// as `${file}.LICENSE.txt` next to the bundle (webpack's name for it), and puts a one-line pointer to it
// at the top of the bundle. A build with no third-party code gets neither.
import MagicString from 'magic-string';
import license from 'rollup-plugin-license';

/** @typedef {{ name: string | null, version: string | null, license: string | null, licenseText: string | null, noticeText: string | null, repository: { url?: string } | string | null, homepage: string | null }} Package */

/**
 * The file's text: a header, then each package by name with its version, licence, where it comes from,
 * and the licence and notice texts it ships (or a line saying it ships none).
 * @param {string} bundle the bundle's file name @param {Package[]} packages
 */
export function noticesText(bundle, packages) {
  const sorted = [...packages].sort((a, b) => String(a.name).localeCompare(String(b.name)));
  const sections = sorted.map((pkg) => {
    const source = typeof pkg.repository === 'string' ? pkg.repository : (pkg.repository?.url ?? pkg.homepage ?? '');
    return [
      `${pkg.name} ${pkg.version}`,
      `License: ${pkg.license}${source ? `\nSource: ${source}` : ''}`,
      `\n${pkg.licenseText?.trim() ?? withoutLicenseFile(pkg, sorted)}`,
      pkg.noticeText ? `\nNOTICE\n\n${pkg.noticeText.trim()}` : '',
    ].join('\n');
  });
  const header = `${bundle} contains code of the ${sorted.length} packages below, each under its own licence, reproduced here as it ships with the package.`;
  return `${[header, ...sections].join(`\n\n${'-'.repeat(78)}\n\n`)}\n`;
}

/**
 * What stands for the licence text of a package that ships none (@aws-sdk/nested-clients): the same
 * licence's text as another package of the file has it, named.
 * @param {Package} pkg @param {Package[]} packages
 */
function withoutLicenseFile(pkg, packages) {
  const same = packages.find((other) => other.license === pkg.license && other.licenseText);
  const where = same ? `: the text of ${pkg.license} is the one given for ${same.name} in this file` : '';
  return `(The package ships no licence file; its package.json names ${pkg.license}${where}.)`;
}

/**
 * Rollup plugins (put them after the minifier) that write `${file}.LICENSE.txt` for the bundle `file`.
 * @param {string} file the bundle's path, e.g. `dist/auth0-aws-delegation.s3.umd.min.js`
 * @returns {import('rollup').Plugin[]}
 */
export function thirdPartyNotices(file) {
  const bundle = file.split('/').pop() ?? file;
  const noticesFile = `${bundle}.LICENSE.txt`;
  /** @type {Package[]} */
  let packages = [];
  return [
    // Scans the bundle's modules; hands the packages over when the bundle is generated.
    license({ thirdParty: (found) => void (packages = /** @type {Package[]} */ (/** @type {unknown} */ (found))) }),
    {
      name: 'third-party-notices',
      renderChunk(code, chunk) {
        const thirdParty = Object.entries(chunk.modules).some(([id, module]) => module.renderedLength > 0 && id.includes('/node_modules/'));
        if (!thirdParty) return null;
        // MagicString keeps the source map true to the shifted line.
        const text = new MagicString(code).prepend(`/*! For license information please see ${noticesFile} */\n`);
        return { code: text.toString(), map: text.generateMap({ hires: true }) };
      },
      generateBundle() {
        if (packages.length > 0) this.emitFile({ type: 'asset', fileName: noticesFile, source: noticesText(bundle, packages) });
      },
    },
  ];
}
