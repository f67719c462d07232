/**
 * A generator of customers with noisy duplicates, for measuring duplicate
 * detection (see README.md): distinct people from pools of names, cities and
 * companies, and for a share of them a second record of the same person with
 * noise: a typo in a name, first and last name swapped, a nickname, the email's
 * case changed or a `+tag` added, the phone in another format (national or
 * international, spaced), and missing fields. Deterministic for a seed.
 */
import { seededRandom } from '../synthetic-data.js';

const firstNames = [
  'robert', 'william', 'richard', 'james', 'john', 'joseph', 'michael', 'thomas', 'charles', 'christopher', 'daniel', 'david',
  'edward', 'anthony', 'andrew', 'benjamin', 'alexander', 'nicholas', 'matthew', 'samuel', 'stephen', 'peter', 'patrick',
  'timothy', 'gregory', 'jonathan', 'lawrence', 'elizabeth', 'margaret', 'katherine', 'catherine', 'jennifer', 'rebecca',
  'susan', 'deborah', 'patricia', 'victoria', 'christine', 'jessica', 'samantha', 'alexandra', 'dorothy', 'barbara', 'abigail',
  'ada', 'grace', 'olivia', 'amelia', 'isla', 'ava', 'mia', 'ivy', 'lily', 'freya', 'emily', 'ella', 'sophie', 'chloe', 'zara',
  'noah', 'oliver', 'george', 'arthur', 'leo', 'harry', 'oscar', 'archie', 'henry', 'theo', 'jacob', 'finley', 'lucas', 'mason',
  'édith', 'zoë', 'jürgen', 'françois', 'søren', 'łukasz', 'josé', 'inés', 'björn', 'märta', 'anaïs', 'noël', 'chloé', 'renée',
  'aarav', 'priya', 'mei', 'hiroshi', 'yuki', 'fatima', 'omar', 'amir', 'leila', 'nadia', 'kwame', 'ama', 'chidi', 'ngozi',
  'sven', 'ingrid', 'lars', 'astrid', 'pavel', 'olga', 'dmitri', 'anya', 'marco', 'giulia', 'luca', 'sofia', 'pierre', 'camille',
];
const lastNames = [
  'smith', 'jones', 'taylor', 'brown', 'williams', 'wilson', 'johnson', 'davies', 'robinson', 'wright', 'thompson', 'evans',
  'walker', 'white', 'roberts', 'green', 'hall', 'wood', 'jackson', 'clarke', 'patel', 'khan', 'lewis', 'james', 'phillips',
  'mason', 'mitchell', 'rose', 'davis', 'rodriguez', 'cox', 'alexander', 'garden', 'campbell', 'johnston', 'moore', 'smyth',
  'lovelace', 'hopper', 'turing', 'babbage', 'noether', 'curie', 'franklin', 'meitner', 'hamilton', 'goodall', 'earhart',
  'müller', 'schmidt', 'schneider', 'fischer', 'weber', 'meyer', 'wagner', 'becker', 'schulz', 'hoffmann', 'straße', 'köhler',
  'dubois', 'lefèvre', 'moreau', 'laurent', 'simon', 'michel', 'garcía', 'fernández', 'lópez', 'martínez', 'sánchez', 'pérez',
  'rossi', 'russo', 'ferrari', 'esposito', 'bianchi', 'romano', 'colombo', 'ricci', 'marino', 'greco', 'bruno', 'gallo',
  'nakamura', 'tanaka', 'suzuki', 'watanabe', 'takahashi', 'kobayashi', 'wang', 'li', 'zhang', 'liu', 'chen', 'yang', 'huang',
  'singh', 'kumar', 'sharma', 'gupta', 'okafor', 'mensah', 'adeyemi', 'nkemelu', 'andersen', 'nielsen', 'hansen', 'pedersen',
  'kowalski', 'nowak', 'wiśniewski', 'wójcik', 'novák', 'svoboda', 'dvořák', 'ivanov', 'petrov', 'sokolov', 'popov', 'lebedev',
  'o\u2019brien', 'mcdonald', 'macleod', 'fitzgerald', 'oconnor', 'murphy', 'kelly', 'sullivan', 'walsh', 'byrne', 'ryan', 'doyle',
];
const nicknames: Record<string, string[]> = {
  robert: ['bob', 'rob'], william: ['bill', 'will'], richard: ['rick', 'dick'], james: ['jim'], john: ['jack'], joseph: ['joe'],
  michael: ['mike'], thomas: ['tom'], charles: ['charlie'], christopher: ['chris'], daniel: ['dan'], david: ['dave'], edward: ['ed', 'ted'],
  anthony: ['tony'], andrew: ['andy'], benjamin: ['ben'], alexander: ['alex'], nicholas: ['nick'], matthew: ['matt'], samuel: ['sam'],
  stephen: ['steve'], peter: ['pete'], patrick: ['pat'], timothy: ['tim'], gregory: ['greg'], elizabeth: ['liz', 'beth'],
  margaret: ['maggie', 'peggy'], katherine: ['kate', 'kathy'], jennifer: ['jenny'], rebecca: ['becky'], susan: ['sue'],
  deborah: ['debbie'], patricia: ['patty'], victoria: ['vicky'], jessica: ['jess'], abigail: ['abby'],
};
const domains = ['example.com', 'mail.example', 'post.example', 'inbox.example', 'web.example', 'acme.example', 'globex.example'];
const cities = [
  ['London', 'SW1A 1AA'], ['Manchester', 'M1 1AE'], ['Birmingham', 'B1 1AA'], ['Leeds', 'LS1 1UR'], ['Glasgow', 'G1 1XQ'],
  ['Edinburgh', 'EH1 1YZ'], ['Bristol', 'BS1 4DJ'], ['Cardiff', 'CF10 1EP'], ['Belfast', 'BT1 5GS'], ['Liverpool', 'L1 8JQ'],
  ['Sheffield', 'S1 2HE'], ['Newcastle', 'NE1 7RU'], ['Nottingham', 'NG1 5FS'], ['Leicester', 'LE1 5YA'], ['Brighton', 'BN1 1AE'],
  ['Oxford', 'OX1 1DP'], ['Cambridge', 'CB2 1TN'], ['York', 'YO1 7HH'], ['Bath', 'BA1 1LZ'], ['Exeter', 'EX1 1HS'],
] as const;

/** A customer input as the generator makes it (phones as typed: the crm's defaultRegion is GB). */
export interface GeneratedCustomer {
  readonly name: string;
  readonly emails: string[];
  readonly phones: string[];
  readonly addresses: { type: 'home'; line1: string; city: string; postalCode: string; country: 'GB' }[];
}

/** The generated base: customers in insertion order, and the person each record is of. */
export interface NoisyBase {
  readonly customers: GeneratedCustomer[];
  /** Every pair of records (by index, the smaller first) of one person: a source and its duplicates, and duplicates of one source. */
  readonly duplicatePairs: [number, number][];
  /** The index of the person each record is of. */
  readonly personOf: number[];
}

const capital = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/**
 * `total` customers of which about `duplicateShare` are noisy second records
 * of another (each pair listed in `duplicatePairs` by index).
 */
export function noisyBase(total: number, options: { seed?: number; duplicateShare?: number } = {}): NoisyBase {
  const random = seededRandom(options.seed ?? 20261123);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const originals = Math.round(total / (1 + (options.duplicateShare ?? 0.1)));
  const customers: GeneratedCustomer[] = [];
  const people: { first: string; last: string; email: string; phone: string; city: readonly [string, string]; street: string }[] = [];
  const usedPhones = new Set<string>();
  for (let i = 0; i < originals; i++) {
    const first = pick(firstNames);
    const last = pick(lastNames);
    let phone: string;
    do phone = `+447700${String(Math.floor(random() * 1_000_000)).padStart(6, '0')}`;
    while (usedPhones.has(phone));
    usedPhones.add(phone);
    const local = `${foldAscii(first)}.${foldAscii(last)}${i}`.replace(/[^a-z0-9.]/g, '');
    const [city, area] = pick(cities);
    const postalCode = `${area.split(' ')[0]} ${1 + Math.floor(random() * 9)}${'ABDEFGHJLNPQRSTUWXYZ'[Math.floor(random() * 20)]}${'ABDEFGHJLNPQRSTUWXYZ'[Math.floor(random() * 20)]}`;
    const person = { first, last, email: `${local}@${pick(domains)}`, phone, city: [city, postalCode] as const, street: `${1 + Math.floor(random() * 200)} ${capital(pick(lastNames))} Road` };
    people.push(person);
    customers.push({
      name: `${capital(first)} ${capital(last)}`,
      emails: random() < 0.9 ? [person.email] : [],
      phones: random() < 0.7 ? [person.phone] : [],
      addresses: random() < 0.8 ? [{ type: 'home', line1: person.street, city: person.city[0], postalCode: person.city[1], country: 'GB' }] : [],
    });
  }
  const personOf = customers.map((_, i) => i);
  for (let i = originals; i < total; i++) {
    const source = Math.floor(random() * originals);
    const person = people[source]!;
    let first = person.first;
    let last = person.last;
    if (random() < 0.3 && nicknames[first] !== undefined) first = pick(nicknames[first]!);
    if (random() < 0.4) {
      if (random() < 0.5) first = typo(first, random);
      else last = typo(last, random);
    }
    let name = `${capital(first)} ${capital(last)}`;
    if (random() < 0.15) name = `${capital(last)} ${capital(first)}`;
    if (random() < 0.15) name = name.toUpperCase();
    // Drop fields at random, but keep at least one that the first record has too: a pair that
    // shares nothing but a similar name is two people as far as any reader can tell.
    const keep = { email: random() < 0.7, phone: random() < 0.6, address: random() < 0.7 };
    const original = customers[source]!;
    const had = { email: original.emails.length > 0, phone: original.phones.length > 0, address: original.addresses.length > 0 };
    const shared = (['email', 'phone', 'address'] as const).filter((field) => had[field]);
    if (shared.length > 0 && !shared.some((field) => keep[field])) keep[pick(shared)] = true;
    const [localPart, domain] = person.email.split('@') as [string, string];
    const email = random() < 0.5 ? `${localPart}+${pick(['shop', 'news', 'crm'])}@${domain}` : random() < 0.5 ? person.email.toUpperCase() : person.email;
    const national = `0${person.phone.slice(3, 7)} ${person.phone.slice(7)}`;
    const phone = pick([person.phone, national, `+44 ${person.phone.slice(3, 7)} ${person.phone.slice(7, 10)} ${person.phone.slice(10)}`, national.replace(' ', '')]);
    customers.push({
      name,
      emails: keep.email ? [email] : [],
      phones: keep.phone ? [phone] : [],
      addresses: keep.address ? [{ type: 'home', line1: person.street, city: random() < 0.2 ? person.city[0].toUpperCase() : person.city[0], postalCode: random() < 0.3 ? person.city[1].replace(' ', '') : person.city[1], country: 'GB' }] : [],
    });
    personOf.push(source);
  }
  const records = new Map<number, number[]>();
  personOf.forEach((person, index) => records.set(person, [...(records.get(person) ?? []), index]));
  const duplicatePairs: [number, number][] = [];
  for (const list of records.values()) for (let i = 0; i < list.length; i++) for (let j = i + 1; j < list.length; j++) duplicatePairs.push([list[i]!, list[j]!]);
  return { customers, duplicatePairs, personOf };
}

/** One keyboard slip: a letter dropped, doubled, replaced, or two letters swapped (never the first letter). */
function typo(word: string, random: () => number): string {
  if (word.length < 4) return word;
  const at = 1 + Math.floor(random() * (word.length - 2));
  switch (Math.floor(random() * 4)) {
    case 0:
      return word.slice(0, at) + word.slice(at + 1);
    case 1:
      return word.slice(0, at) + word[at] + word.slice(at);
    case 2:
      return word.slice(0, at) + 'aeioustrn'[Math.floor(random() * 9)] + word.slice(at + 1);
    default:
      return word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2);
  }
}

function foldAscii(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').replace(/ß/g, 'ss').replace(/ø/g, 'o').replace(/ł/g, 'l').toLowerCase();
}
