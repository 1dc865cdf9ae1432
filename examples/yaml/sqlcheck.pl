#!/usr/bin/perl
# sqlcheck.pl: the validator of sql.yaml. It reads {"state", "action",
# "next_state"} as JSON on stdin and checks that the action is one SQL
# statement of the form the task allows (CREATE TABLE, INSERT, SELECT,
# UPDATE, DELETE), by tokenizing it and parsing it. It checks form only:
# whether the statement is the right one is for the expected answers,
# after the vote. Exit 0: valid; exit 1: invalid, with the reason on stdout.
# Perl with no modules, so it runs wherever Debian does (perl-base).
use strict;
use warnings;

local $/;
my $in = <STDIN> // '';
my ($raw) = $in =~ /"action"\s*:\s*"((?:[^"\\]|\\.)*)"/s;
defined $raw or bad("no action in the input");
my %esc = (n => "\n", t => "\t", r => "\r", b => "\b", f => "\f", '"' => '"', '\\' => '\\', '/' => '/');
$raw =~ s/\\u([0-9a-fA-F]{4})/chr(hex($1))/ge;
$raw =~ s/\\(.)/$esc{$1} \/\/ $1/ge;

my @t;    # tokens: [kind, text]
my $s = $raw;
while (length $s) {
    if    ($s =~ s/^\s+//)                      { }
    elsif ($s =~ s/^([A-Za-z_][A-Za-z0-9_]*)//) { push @t, ['id', $1] }
    elsif ($s =~ s/^(-?[0-9]+(?:\.[0-9]+)?)//)  { push @t, ['num', $1] }
    elsif ($s =~ s/^'((?:[^']|'')*)'//)         { push @t, ['str', $1] }
    elsif ($s =~ /^'/)                          { bad("unterminated string") }
    elsif ($s =~ s/^(<=|>=|<>|[(),;*=<>])//)    { push @t, ['p', $1] }
    else { bad("unexpected character " . substr($s, 0, 1)) }
}
@t or bad("empty statement");
my $i = 0;

sub bad { print "$_[0]\n"; exit 1 }
sub peek { $i < @t ? $t[$i] : ['end', ''] }
sub kw {    # the next token is the keyword $_[0]: take it
    my $k = peek();
    return 0 unless $k->[0] eq 'id' && uc $k->[1] eq $_[0];
    $i++;
    1;
}
sub want_kw { kw($_[0]) or bad("expected $_[0] " . near()) }
sub p { my $k = peek(); return 0 unless $k->[0] eq 'p' && $k->[1] eq $_[0]; $i++; 1 }
sub want_p { p($_[0]) or bad("expected '$_[0]' " . near()) }
sub near { my $k = peek(); $k->[0] eq 'end' ? "at the end" : "near '$k->[1]'" }
my %reserved = map { $_ => 1 } qw(SELECT FROM WHERE INSERT INTO VALUES UPDATE SET DELETE CREATE TABLE AND OR ORDER BY NULL);
sub ident {
    my $k = peek();
    bad("expected a name " . near()) unless $k->[0] eq 'id' && !$reserved{uc $k->[1]};
    $i++;
    $k->[1];
}
sub value {
    my $k = peek();
    if ($k->[0] eq 'num' || $k->[0] eq 'str') { $i++; return }
    return if kw('NULL');
    bad("expected a value " . near());
}
sub list { my ($item) = @_; my $n = 0; do { $item->(); $n++ } while p(','); $n }
sub cond {
    do {
        ident();
        p('=') || p('<>') || p('<=') || p('>=') || p('<') || p('>') or bad("expected a comparison " . near());
        value();
    } while (kw('AND') || kw('OR'));
}

if (kw('CREATE')) {
    want_kw('TABLE'); ident(); want_p('(');
    list(sub { ident(); kw('INTEGER') || kw('TEXT') || kw('REAL') or bad("expected a column type (INTEGER, TEXT or REAL) " . near());
               if (kw('PRIMARY')) { want_kw('KEY') } if (kw('NOT')) { want_kw('NULL') } });
    want_p(')');
} elsif (kw('INSERT')) {
    want_kw('INTO'); ident();
    my $cols = 0;
    if (p('(')) { $cols = list(\&ident); want_p(')') }
    want_kw('VALUES');
    list(sub { want_p('('); my $n = list(\&value); want_p(')');
               bad("$cols columns but $n values") if $cols && $n != $cols });
} elsif (kw('SELECT')) {
    p('*') or list(\&ident);
    want_kw('FROM'); ident();
    cond() if kw('WHERE');
    if (kw('ORDER')) { want_kw('BY'); ident(); kw('ASC') || kw('DESC') }
} elsif (kw('UPDATE')) {
    ident(); want_kw('SET');
    list(sub { ident(); want_p('='); value() });
    cond() if kw('WHERE');
} elsif (kw('DELETE')) {
    want_kw('FROM'); ident();
    cond() if kw('WHERE');
} else {
    bad("not a statement this task allows " . near());
}
p(';');
bad("more after the statement " . near()) if $i < @t;
exit 0;
