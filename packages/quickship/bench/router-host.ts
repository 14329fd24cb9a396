// A ServiceRouter alone in its own process, for measuring its CPU cost per request
// (bench/proxy-cpu.ts): env PORT (listen), UPSTREAM_PORT (one endpoint on 127.0.0.1).
import { EndpointTable } from '../src/runtime/endpoints.ts';
import { ServiceRouter } from '../src/runtime/router.ts';

const endpoints = new EndpointTable();
endpoints.set({
  name: 'bench-1',
  host: '127.0.0.1',
  port: Number(process.env.UPSTREAM_PORT),
  podTemplateHash: 'bench',
  ready: true,
  terminating: false,
});
const router = new ServiceRouter({ name: 'bench', endpoints, port: Number(process.env.PORT), selector: 'bench' });
await router.listen();
process.stdout.write('listening\n');
process.on('SIGTERM', () => void router.close(100).then(() => process.exit(0)));
