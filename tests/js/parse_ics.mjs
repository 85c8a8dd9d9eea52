// Reads iCalendar files with Mozilla's ical.js (the parser of Thunderbird's calendar) and
// prints what it sees as JSON, so that the Python tests can compare it with their own parsers.
//
//   node tests/js/parse_ics.mjs a.ics b.ics        files named on the command line
//   node tests/js/parse_ics.mjs < batch.json       [{"name": "...", "ics": "BEGIN:VCALENDAR..."}, ...]
//
// Output: one JSON array, an entry per input in order: {"name", "calendar"} or {"name", "error"}.
// Times are UTC ISO strings, a TZID resolved through the VTIMEZONE of the same file; a TZID
// that the file does not define is an error, not a floating time.
import { readFileSync } from "node:fs";

// The project's own copy (npm ci), whatever the working directory.
const { default: ICAL } = await import(
  new URL("../../node_modules/ical.js/dist/ical.js", import.meta.url).href
);

function inputs() {
  const files = process.argv.slice(2);
  if (files.length) {
    return files.map((name) => ({ name, read: () => readFileSync(name, "utf8") }));
  }
  const batch = JSON.parse(readFileSync(0, "utf8"));
  return batch.map((item) => ({ name: item.name, read: () => item.ics }));
}

function text(component, name) {
  const value = component.getFirstPropertyValue(name);
  return value === null || value === undefined ? null : String(value);
}

function utc(component, name) {
  const prop = component.getFirstProperty(name);
  if (!prop) return null;
  const time = prop.getFirstValue();
  const tzid = prop.getParameter("tzid");
  if (time.isDate) return time.toString(); // a whole day: no instant
  if (tzid && (!time.zone || time.zone === ICAL.Timezone.localTimezone)) {
    throw new Error(`${name}: TZID ${tzid} has no VTIMEZONE in the file`);
  }
  if (!tzid && !time.zone) throw new Error(`${name}: floating time ${time}`);
  return new Date(time.toUnixTime() * 1000).toISOString();
}

function person(prop) {
  const value = String(prop.getFirstValue());
  const params = {};
  for (const key of ["cn", "role", "partstat", "rsvp"]) {
    const param = prop.getParameter(key);
    if (param !== undefined && param !== null) params[key] = String(param);
  }
  return { value, ...params };
}

function event(vevent) {
  const organizer = vevent.getFirstProperty("organizer");
  const sequence = vevent.getFirstPropertyValue("sequence");
  return {
    uid: text(vevent, "uid"),
    sequence: sequence === null ? null : Number(sequence),
    status: text(vevent, "status"),
    transp: text(vevent, "transp"),
    dtstart: utc(vevent, "dtstart"),
    dtend: utc(vevent, "dtend"),
    dtstamp: utc(vevent, "dtstamp"),
    summary: text(vevent, "summary"),
    location: text(vevent, "location"),
    description: text(vevent, "description"),
    url: text(vevent, "url"),
    organizer: organizer ? person(organizer) : null,
    attendees: vevent.getAllProperties("attendee").map(person),
    valarms: vevent.getAllSubcomponents("valarm").length,
  };
}

function calendar(source) {
  const root = new ICAL.Component(ICAL.parse(source));
  if (root.name !== "vcalendar") throw new Error(`not a VCALENDAR but ${root.name}`);
  return {
    version: text(root, "version"),
    prodid: text(root, "prodid"),
    method: text(root, "method"),
    name: text(root, "x-wr-calname"),
    components: root.getAllSubcomponents().map((c) => c.name.toUpperCase()),
    timezones: root.getAllSubcomponents("vtimezone").map((tz) => text(tz, "tzid")),
    events: root.getAllSubcomponents("vevent").map(event),
  };
}

const results = inputs().map(({ name, read }) => {
  try {
    return { name, calendar: calendar(read()) };
  } catch (error) {
    return { name, error: String(error && error.message ? error.message : error) };
  }
});
process.stdout.write(JSON.stringify(results));
