/** Opens stores in a child process from argv: `sqlite <dir>` or `mongodb <uri> <dbName>`. */
import { openMongoStores } from '../../src/storage/mongodb/open-mongodb';
import { openSqliteStores } from '../../src/storage/sqlite/open-sqlite';
import type { Stores } from '../../src/storage/stores';

export function openFromArgs(args: readonly string[]): Promise<Stores> {
  return args[0] === 'mongodb' ? openMongoStores(args[1], args[2]) : openSqliteStores(args[1]);
}

/** Arguments after the script name. */
export const childArgs = (): string[] => process.argv.slice(2);
