// The grammar of the expr-lang subset Argo Rollouts' conditions use, as an Ohm grammar (an
// interpreted PEG toolkit: no code generation, no eval). Precedence follows expr-lang's operator
// table (parser/operator/operator.go), lowest first: ternary `?:`; `or`/`||`; `and`/`&&`;
// comparisons, `in`, `not in`, `matches`, `contains`, `startsWith`, `endsWith`; `..`; `+ -`;
// unary `not`/`!`; `* / %`; unary `- +`; `**` (right-associative); `??`; member/index/call.
import * as ohm from 'ohm-js';

export const exprGrammar = ohm.grammar(String.raw`
Expr {
  Program = Exp end

  Exp = Or "?" Exp ":" Exp  -- ternary
      | Or

  Or = Or orOp And  -- op
     | And
  And = And andOp Cmp  -- op
      | Cmp
  Cmp = Cmp cmpOp Range  -- op
      | Range
  Range = Add ".." Add  -- op
        | Add
  Add = Add addOp Unary  -- op
      | Unary
  Unary = notOp Unary  -- not
        | Mul
  Mul = Mul mulOp Sign  -- op
      | Sign
  Sign = signOp Sign  -- sign
       | Pow
  Pow = Coalesce "**" Sign  -- op
      | Coalesce
  Coalesce = Coalesce "??" Postfix  -- op
           | Postfix

  Postfix = Postfix "?." ident  -- optionalMember
          | Postfix "." ident "(" ListOf<Arg, ","> ")"  -- method
          | Postfix "." ident  -- member
          | Postfix "[" Exp? ":" Exp? "]"  -- slice
          | Postfix "[" Exp "]"  -- index
          | ident "(" ListOf<Arg, ","> ")"  -- call
          | Primary

  Arg = "{" Exp "}"  -- closure
      | Exp

  Primary = "(" Exp ")"  -- paren
          | "[" ListOf<Exp, ","> ","? "]"  -- array
          | "{" ListOf<Entry, ","> ","? "}"  -- map
          | "." ident  -- pointerMember
          | "#"  -- pointer
          | number
          | string
          | keyword<"true">  -- true
          | keyword<"false">  -- false
          | keyword<"nil">  -- nil
          | ident  -- name

  Entry = (ident | string) ":" Exp

  orOp = keyword<"or"> | "||"
  andOp = keyword<"and"> | "&&"
  notOp = keyword<"not"> | ~"!=" "!"
  cmpOp = "==" | "!=" | "<=" | ">=" | "<" | ">"
        | notIn | keyword<"in"> | keyword<"matches"> | keyword<"contains">
        | keyword<"startsWith"> | keyword<"endsWith">
  notIn = keyword<"not"> space+ keyword<"in">
  addOp = "+" | "-"
  mulOp = "*" ~"*" -- times
        | "/" | "%"
  signOp = "-" | "+"

  keyword<word> = word ~identPart
  reserved = keyword<"and"> | keyword<"or"> | keyword<"not"> | keyword<"in"> | keyword<"true">
           | keyword<"false"> | keyword<"nil"> | keyword<"matches"> | keyword<"contains">
           | keyword<"startsWith"> | keyword<"endsWith"> | keyword<"let">
  ident = ~reserved identStart identPart*
  identStart = letter | "_" | "$"
  identPart = alnum | "_" | "$"

  number = digits "." digits exponent?  -- float
         | digits exponent  -- exp
         | digits  -- int
  digits = digit (digit | "_")*
  exponent = ("e" | "E") ("+" | "-")? digit+

  string = "\"" dqChar* "\""  -- double
         | "'" sqChar* "'"  -- single
         | "\u0060" (~"\u0060" any)* "\u0060"  -- raw
  dqChar = "\\" any  -- escape
         | ~"\"" ~"\n" any  -- plain
  sqChar = "\\" any  -- escape
         | ~"'" ~"\n" any  -- plain
}
`);
