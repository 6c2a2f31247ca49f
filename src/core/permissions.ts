/** Who may do what (DESIGN.md §3): the actor's relations to one case. */
import type { ActorRole } from "./case-lifecycle.ts";
import type { Person } from "./types.ts";

export interface CaseParties {
  handlerId: string | null;
  coHandlerIds: readonly string[];
  /** Chiefs above the handler on the case's segment (二级, 一级). */
  superiorIds: readonly string[];
  reporterKey: string;
}

/** Every relation `person` (or an unknown sender with `senderKey`) has to the case. */
export function actorRoles(parties: CaseParties, person: Person | null, senderKey: string): ActorRole[] {
  const roles: ActorRole[] = [];
  if (person) {
    if (person.roles.includes("admin")) roles.push("admin");
    if (person.roles.includes("inspector")) roles.push("inspector");
    if (person.id === parties.handlerId || parties.coHandlerIds.includes(person.id)) roles.push("handler");
    if (parties.superiorIds.includes(person.id)) roles.push("superior");
  }
  if (senderKey === parties.reporterKey) roles.push("reporter");
  if (roles.length === 0) roles.push("other");
  return roles;
}
