import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
export default { input: 'src/umd.ts', external: ['ky','jwt-decode'], plugins: [typescript({ tsconfig: './tsconfig.build.json' }), terser({ecma:2022, compress:{passes:3}, format:{comments:false}})], output: { file: '/tmp/probe/own.js', format: 'es' } };
