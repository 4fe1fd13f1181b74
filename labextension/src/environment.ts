/**
 * What the environment card shows, computed from an environment record: pure
 * functions, no DOM.
 */
import { IEnvironment, IExecution } from './tokens';

/** Modules whose distribution has another name (the common ones in notebooks). */
const ALIASES: Record<string, string> = {
  bs4: 'beautifulsoup4',
  cv2: 'opencv-python',
  dateutil: 'python-dateutil',
  PIL: 'pillow',
  skimage: 'scikit-image',
  sklearn: 'scikit-learn',
  yaml: 'pyyaml'
};

const IMPORT = /^\s*(?:import|from)\s+([A-Za-z_][A-Za-z0-9_]*)/gm;

/** PEP 503's normalised name. */
export function canonical(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/**
 * The packages worth showing: those the notebook's cells import, in cell
 * order, then those the recorded executions imported (what those pulled in),
 * else the first few the environment has.
 */
export function keyPackages(
  env: IEnvironment,
  history: readonly IExecution[],
  cellSources: readonly string[],
  limit = 8
): Array<[string, string]> {
  const packages = env.packages ?? {};
  const chosen = new Map<string, string>();
  const add = (name: string | null | undefined, version?: string | null): void => {
    if (!name) {
      return;
    }
    const key = canonical(name);
    const found = packages[key] ?? version ?? null;
    if (found && !chosen.has(key)) {
      chosen.set(key, found);
    }
  };
  for (const source of cellSources) {
    for (const match of source.matchAll(IMPORT)) {
      add(ALIASES[match[1]] ?? match[1]);
    }
  }
  for (const execution of history) {
    for (const imported of execution.imports ?? []) {
      add(imported.distribution, imported.version);
    }
  }
  if (chosen.size === 0) {
    for (const [name, version] of Object.entries(packages).slice(0, 5)) {
      chosen.set(name, version);
    }
  }
  return [...chosen.entries()].slice(0, limit);
}

/** 17179869184 -> "16 GiB". */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) {
    return 'unknown';
  }
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = value >= 10 || unit === 0 ? 0 : 1;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

export function pythonSummary(env: IEnvironment): string {
  if (!env.python) {
    return 'unknown';
  }
  const { version, implementation } = env.python;
  return implementation ? `${version} (${implementation})` : version;
}

export function cpuSummary(env: IEnvironment): string {
  const model = env.cpu?.model ?? 'unknown CPU';
  const count = env.cpu?.count;
  return count ? `${model}, ${count} cores` : model;
}

export interface IGpuSummary {
  available: boolean;
  /** The devices, or the typed reason there is no usable GPU. */
  text: string;
  /** Driver and CUDA versions, when there is a GPU. */
  detail: string | null;
}

export function gpuSummary(env: IEnvironment): IGpuSummary {
  const gpu = env.gpu;
  if (!gpu) {
    return { available: false, text: 'not recorded', detail: null };
  }
  if (!gpu.available) {
    return { available: false, text: `none: ${gpu.reason}`, detail: null };
  }
  const names = gpu.devices.map(d => `${d.index}: ${d.name}`).join(', ') || 'no devices listed';
  const detail = [
    gpu.driver_version ? `driver ${gpu.driver_version}` : null,
    gpu.cuda_driver_version ? `CUDA ${gpu.cuda_driver_version}` : null
  ]
    .filter(Boolean)
    .join(', ');
  return { available: true, text: names, detail: detail || null };
}
