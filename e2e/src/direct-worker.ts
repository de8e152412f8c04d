// wrangler's `unstable_startWorker`, also giving the user worker's own address. Under wrangler dev
// every request first passes a proxy Worker in a workerd process of its own, which forwards it to
// the user worker's workerd; a benchmark that wants what the product costs, not the dev proxy,
// connects to the user worker directly (both of its sides, the same way). The address is only
// announced by wrangler's DevEnv (its `reloadComplete` event), so the worker is started through one.
import { unstable_DevEnv, type unstable_startWorker } from "wrangler";

type StartOptions = Parameters<typeof unstable_startWorker>[0];
type Worker = Awaited<ReturnType<typeof unstable_startWorker>>;

export async function startWorkerDirect(
  options: StartOptions,
): Promise<{ worker: Worker; directUrl: string }> {
  // wrangler dev's local observability writes a trace span per invocation, RPC and storage call
  // to a SQLite store inside the same workerd process, on the objects' thread: tooling cost that
  // tests and benchmarks would count as the worker's (bench/README.md, 58,832 spans in two
  // minutes of a 1,024-member fan-out case). X_LOCAL_OBSERVABILITY=true keeps it.
  process.env.X_LOCAL_OBSERVABILITY ??= "false";
  const devEnv = new unstable_DevEnv();
  // Announced once the user worker has loaded, which may be after the proxy is ready.
  const announced = new Promise<string>((resolve) => {
    devEnv.on("reloadComplete", (event: ReloadComplete) => {
      const { protocol, hostname, port } = event.proxyData.userWorkerUrl;
      resolve(`${protocol}//${hostname}:${port}`);
    });
  });
  const worker = await devEnv.startWorker(options);
  await worker.ready;
  return { worker, directUrl: await announced };
}

/** The part of DevEnv's `reloadComplete` event read here. */
interface ReloadComplete {
  proxyData: { userWorkerUrl: { protocol: string; hostname: string; port: string } };
}
