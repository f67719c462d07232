/**
 * Common English given-name nicknames and the name each stands for, folded
 * (lower-case, no accents). A short, deliberate list (no well-kept package
 * offers one): duplicate detection reads `bob` as `robert` before comparing.
 *
 * @example
 * ```ts
 * nicknameOf.get('bill'); // 'william'
 * ```
 */
export const nicknameOf: ReadonlyMap<string, string> = new Map(
  Object.entries({
    robert: ['bob', 'bobby', 'rob', 'robbie', 'bert'],
    william: ['bill', 'billy', 'will', 'willy', 'liam'],
    richard: ['dick', 'rick', 'ricky', 'rich', 'richie'],
    james: ['jim', 'jimmy', 'jamie'],
    john: ['jack', 'johnny', 'jon'],
    joseph: ['joe', 'joey'],
    michael: ['mike', 'mikey', 'mick'],
    thomas: ['tom', 'tommy'],
    charles: ['charlie', 'chuck', 'chas'],
    christopher: ['chris', 'kit'],
    daniel: ['dan', 'danny'],
    david: ['dave', 'davy'],
    edward: ['ed', 'eddie', 'ted', 'ned'],
    anthony: ['tony'],
    andrew: ['andy', 'drew'],
    benjamin: ['ben', 'benny'],
    alexander: ['alex', 'sandy'],
    nicholas: ['nick', 'nicky'],
    matthew: ['matt'],
    samuel: ['sam', 'sammy'],
    stephen: ['steve', 'stevie'],
    steven: ['steve'],
    peter: ['pete'],
    patrick: ['pat', 'paddy'],
    timothy: ['tim', 'timmy'],
    gregory: ['greg'],
    jonathan: ['jon', 'jonny'],
    lawrence: ['larry'],
    elizabeth: ['liz', 'lizzie', 'beth', 'betty', 'eliza'],
    margaret: ['maggie', 'meg', 'peggy', 'marge'],
    katherine: ['kate', 'kathy', 'katie', 'kat'],
    catherine: ['cathy', 'cat'],
    jennifer: ['jen', 'jenny'],
    rebecca: ['becky', 'becca'],
    susan: ['sue', 'susie'],
    deborah: ['deb', 'debbie'],
    patricia: ['patty', 'trish', 'tricia'],
    victoria: ['vicky', 'tori'],
    christine: ['chrissy', 'tina'],
    jessica: ['jess', 'jessie'],
    samantha: ['sammie'],
    alexandra: ['lexi', 'sasha'],
    dorothy: ['dot', 'dotty'],
    barbara: ['barb', 'babs'],
    abigail: ['abby'],
    ada: ['addie'],
  }).flatMap(([name, nicknames]) => nicknames.map((nickname) => [nickname, name] as const)),
);
