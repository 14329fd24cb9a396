// Stops an ephemeral cluster whose owner died without stopping it (a test run killed by a
// timeout, a benchmark killed with SIGKILL): started detached by startPostgres({ ephemeral }),
// it checks the owner every half second; when the owner is gone it runs the stop command
// startPostgres gave it (`pg_ctl stop -m immediate`, as the `postgres` user when root) and removes
// the data folder. It exits by itself once the data folder is gone (a normal stop removed it).
// Plain JavaScript so that it runs with node alone. Arguments: ownerPid dataDir stopCommandJson.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const [ownerPid, dataDir, stopCommand] = process.argv.slice(2);
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
  if (existsSync(join(dataDir, 'postmaster.pid'))) {
    const [file, args] = JSON.parse(stopCommand);
    spawnSync(file, args, { stdio: 'ignore', timeout: 40_000 });
  }
  rmSync(dataDir, { recursive: true, force: true });
}, 500);
