import type { Client } from '@temporalio/client';
import { DATABASE_SEARCH_ATTRIBUTE, TABLE_SEARCH_ATTRIBUTE } from '../shared';

const NAMES = [DATABASE_SEARCH_ATTRIBUTE.name, TABLE_SEARCH_ATTRIBUTE.name];

/**
 * Whether the namespace has the archiver's search attributes registered. A workflow started with an unknown
 * search attribute is refused, so a run sets them only when they are there; when they are not (or the server
 * will not say), the run goes ahead without them and the returned sentence tells the operator how to add them.
 */
export async function checkSearchAttributes(
  client: Client,
  namespace: string,
): Promise<{ registered: true } | { registered: false; warning: string }> {
  let custom: Record<string, unknown>;
  try {
    const response = await client.connection.operatorService.listSearchAttributes({ namespace });
    custom = response.customAttributes ?? {};
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      registered: false,
      warning: `cannot list the search attributes of namespace ${namespace} (${reason}); starting the run without ${NAMES.join(' and ')}`,
    };
  }
  const missing = NAMES.filter((name) => !(name in custom));
  if (missing.length === 0) return { registered: true };
  const commands = missing
    .map(
      (name) =>
        `temporal operator search-attribute create --namespace ${namespace} --name ${name} --type Keyword`,
    )
    .join('; ');
  return {
    registered: false,
    warning: `namespace ${namespace} has no search attribute ${missing.join(' or ')}, so this run cannot be filtered by database or table in the Web UI; register them with: ${commands}`,
  };
}
