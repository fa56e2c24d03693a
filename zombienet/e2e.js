// Bridge from a .zndsl test to the TypeScript end-to-end suites: runs `e2e/run.ts` against the
// node the DSL line names, with the suites given after `with` (comma-separated), and returns its
// exit status (the DSL asserts `return is 0`). Asynchronous, so zombienet's timeout still works.
const { spawn } = require('node:child_process');
const path = require('node:path');

function run(nodeName, networkInfo, suites) {
  const node = networkInfo.nodesByName[nodeName];
  return new Promise((resolve) => {
    const child = spawn('npx', ['tsx', 'run.ts', '--ws', node.wsUri, ...(suites ?? [])], {
      cwd: path.join(__dirname, '..', 'e2e'),
      stdio: 'inherit',
    });
    child.on('error', () => resolve(1));
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

module.exports = { run };
