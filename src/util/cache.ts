/** netcost's cache folder: XDG on Linux (XDG_CACHE_HOME), its equivalents on macOS and Windows, by env-paths. */
import envPaths from 'env-paths';

export const cacheDir = (): string => envPaths('netcost', { suffix: '' }).cache;
