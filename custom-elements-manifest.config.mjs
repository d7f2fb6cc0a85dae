export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/worklets/**', 'src/server/**', 'src/audio/**', 'src/**/*.d.ts'],
  outdir: '.',
  litelement: true,
};
