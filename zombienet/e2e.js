// Bridge from a .zndsl test to the TypeScript end-to-end suites: runs `e2e/run.ts` against the
// node the DSL line names, with the suites given after `with` (comma-separated). Asynchronous,
// so zombienet's timeout still works.
//
// A failed suite REJECTS (zombienet then fails the line). Returning a non-zero status is not
// enough: zombienet 1.3 compares a js-script's value only when the DSL's target is truthy, so
// `return is 0` is never checked.
const { spawn } = require('node:child_process');
const path = require('node:path');

function run(nodeName, networkInfo, suites) {
  const node = networkInfo.nodesByName[nodeName];
  const names = suites ?? [];
  // The relay chain's first validator, for suites that act on both chains (xcm).
  const relay = networkInfo.nodesByName.alice;
  const relayArgs = relay ? ['--relay', relay.wsUri] : [];
  // The second zkSettle parachain's collator, on networks that have one (network-native.toml).
  const sibling = networkInfo.nodesByName['sibling-1'];
  const siblingArgs = sibling ? ['--sibling', sibling.wsUri] : [];
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'run.ts', '--ws', node.wsUri, ...relayArgs, ...siblingArgs, ...names], {
      cwd: path.join(__dirname, '..', 'e2e'),
      stdio: 'inherit',
    });
    child.on('error', (error) => reject(error));
    child.on('exit', (code, signal) => {
      if (code === 0) resolve(0);
      else reject(new Error(`e2e suites ${names.join(',')} on ${nodeName} failed (exit ${code ?? signal})`));
    });
  });
}

module.exports = { run };
