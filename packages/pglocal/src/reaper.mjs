// Stops an ephemeral cluster whose owner died without stopping it (a test run killed by a
// timeout, a benchmark killed with SIGKILL): started detached by startPostgres({ ephemeral }),
// it checks the owner every half second; when the owner is gone it stops the server
// (`pg_ctl stop -m immediate`, as the `postgres` user when root, like startPostgres) and removes
// the data folder. It exits by itself once the data folder is gone (a normal stop removed it).
// Plain JavaScript so that it runs with node alone. Arguments: ownerPid binDir dataDir.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const [ownerPid, binDir, dataDir] = process.argv.slice(2);
const owner = Number(ownerPid);

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

const timer = setInterval(() => {
  if (!existsSync(dataDir)) {
    clearInterval(timer);
    return;
  }
  if (alive(owner)) return;
  clearInterval(timer);
  const pgCtl = join(binDir, 'pg_ctl');
  const args = ['-D', dataDir, '-w', '-t', '30', '-m', 'immediate', 'stop'];
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (existsSync(join(dataDir, 'postmaster.pid'))) {
    spawnSync(asRoot ? 'runuser' : pgCtl, asRoot ? ['-u', 'postgres', '--', pgCtl, ...args] : args, { stdio: 'ignore', timeout: 40_000 });
  }
  rmSync(dataDir, { recursive: true, force: true });
}, 500);
