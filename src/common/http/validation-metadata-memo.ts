import { getMetadataStorage } from 'class-validator';

type Storage = ReturnType<typeof getMetadataStorage>;
type Lookup = Storage['getTargetValidationMetadatas'];

let installed = false;

/**
 * class-validator works out a class's rules on every validation: it walks
 * every class it knows (hundreds of DTOs here) to find the ones the class
 * inherits from. Profiled under load this was the largest single cost of
 * validating a request (4 % of a customer lookup's CPU, 2 % of a fault's;
 * docs/PERFORMANCE.md, "Point 3"). The rules of a class do not change once
 * its module is loaded, so the answer is kept per class and options, and
 * forgotten whenever a rule is added (a class loaded later).
 */
export function memoiseValidationMetadata(storage: Storage = getMetadataStorage()): void {
  if (installed) return;
  installed = true;
  const memo = new Map<unknown, Map<string, ReturnType<Lookup>>>();
  const lookup: Lookup = storage.getTargetValidationMetadatas.bind(storage);
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${schema}\u0000${always}\u0000${strictGroups}\u0000${groups?.join('\u0001') ?? ''}`;
    let byOptions = memo.get(target);
    if (!byOptions) memo.set(target, (byOptions = new Map<string, ReturnType<Lookup>>()));
    let found = byOptions.get(key);
    if (!found) byOptions.set(key, (found = lookup(target, schema, always, strictGroups, groups)));
    return found;
  };
  const add = storage.addValidationMetadata.bind(storage);
  storage.addValidationMetadata = (metadata) => {
    memo.clear();
    add(metadata);
  };
}
