// `@roster/sdk/events`: the event catalogue and its versioned payload schemas (zod), for webhook
// receivers and feed readers that check what they are given.
export {
  EVENT_SCHEMAS,
  EVENT_TYPES,
  EVENT_VERSION,
  type EventData,
  type EventMember,
  type EventType,
  eventEnvelope,
  isEventType,
  parseEvent,
  parseEventData,
  type RosterEvent,
} from "@roster/events";
