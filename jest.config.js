/** Unit tests of the sidebar's pure parts (no DOM, no JupyterLab): `npm test`. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/labextension/test'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { tsconfig: '<rootDir>/labextension/test/tsconfig.json' }]
  }
};
