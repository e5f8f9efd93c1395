namespace Engram;

/// <summary>The Porter (1980) suffix-stripping stemmer for English.</summary>
/// <remarks>
/// <para>
/// Source: M. F. Porter, "An algorithm for suffix stripping", <i>Program</i> 14(3):130–137, 1980, implemented as in
/// Porter's own reference ANSI C version (<c>tartarus.org/martin/PorterStemmer</c>), whose output is the canonical
/// test vocabulary (<c>voc.txt</c> → <c>output.txt</c>). That version has three documented departures from the
/// paper, kept here: words of one or two letters are not stemmed; step 2 maps <c>-bli</c> to <c>-ble</c> (instead
/// of <c>-abli</c> to <c>-able</c>); step 2 maps <c>-logi</c> to <c>-log</c>.
/// </para>
/// <para>
/// Input is a lower-case ASCII word; words containing anything other than [a-z] (digits, for example) are returned
/// unchanged. Stateless and thread-safe; works in a stack buffer and allocates only when the stem differs.
/// </para>
/// </remarks>
internal static class PorterStemmer
{
    private const int MaxStackLength = 64;

    /// <summary>Stems one lower-case word.</summary>
    /// <param name="word">A lower-case ASCII word.</param>
    /// <returns>The stem; <paramref name="word"/> itself when nothing was stripped.</returns>
    internal static string Stem(string word)
    {
        if (word.Length <= 2 || word.Length > MaxStackLength)
        {
            return word;
        }

        foreach (var c in word)
        {
            if (c is < 'a' or > 'z')
            {
                return word;
            }
        }

        Span<char> buffer = stackalloc char[MaxStackLength];
        word.AsSpan().CopyTo(buffer);
        var length = Stem(buffer[..word.Length]);
        return length == word.Length && buffer[..length].SequenceEqual(word) ? word : new string(buffer[..length]);
    }

    /// <summary>Stems a word in place.</summary>
    /// <param name="b">The word's characters (lower-case a–z); modified in place.</param>
    /// <returns>The length of the stem, at the start of <paramref name="b"/>.</returns>
    internal static int Stem(Span<char> b)
    {
        var z = new State(b);
        if (z.K <= 1)
        {
            return z.K + 1;
        }

        z.Step1AB();
        if (z.K > 0)
        {
            z.Step1C();
            z.Step2();
            z.Step3();
            z.Step4();
            z.Step5();
        }

        return z.K + 1;
    }

    /// <summary>The working state of the reference implementation: buffer <c>b</c>, end <c>k</c>, offset <c>j</c>.</summary>
    private ref struct State
    {
        private readonly Span<char> _b;
        private int _j;

        public State(Span<char> b)
        {
            _b = b;
            K = b.Length - 1;
            _j = 0;
        }

        /// <summary>Gets or sets the index of the last character of the current word.</summary>
        public int K { get; private set; }

        public void Step1AB()
        {
            if (_b[K] == 's')
            {
                if (Ends("sses"))
                {
                    K -= 2;
                }
                else if (Ends("ies"))
                {
                    SetTo("i");
                }
                else if (_b[K - 1] != 's')
                {
                    K--;
                }
            }

            if (Ends("eed"))
            {
                if (M() > 0)
                {
                    K--;
                }
            }
            else if ((Ends("ed") || Ends("ing")) && VowelInStem())
            {
                K = _j;
                if (Ends("at"))
                {
                    SetTo("ate");
                }
                else if (Ends("bl"))
                {
                    SetTo("ble");
                }
                else if (Ends("iz"))
                {
                    SetTo("ize");
                }
                else if (DoubleC(K))
                {
                    K--;
                    var ch = _b[K];
                    if (ch is 'l' or 's' or 'z')
                    {
                        K++;
                    }
                }
                else if (M() == 1 && Cvc(K))
                {
                    SetTo("e");
                }
            }
        }

        public void Step1C()
        {
            if (Ends("y") && VowelInStem())
            {
                _b[K] = 'i';
            }
        }

        public void Step2()
        {
            switch (_b[K - 1])
            {
                case 'a':
                    if (Ends("ational")) { R("ate"); break; }
                    if (Ends("tional")) { R("tion"); }
                    break;
                case 'c':
                    if (Ends("enci")) { R("ence"); break; }
                    if (Ends("anci")) { R("ance"); }
                    break;
                case 'e':
                    if (Ends("izer")) { R("ize"); }
                    break;
                case 'l':
                    if (Ends("bli")) { R("ble"); break; }
                    if (Ends("alli")) { R("al"); break; }
                    if (Ends("entli")) { R("ent"); break; }
                    if (Ends("eli")) { R("e"); break; }
                    if (Ends("ousli")) { R("ous"); }
                    break;
                case 'o':
                    if (Ends("ization")) { R("ize"); break; }
                    if (Ends("ation")) { R("ate"); break; }
                    if (Ends("ator")) { R("ate"); }
                    break;
                case 's':
                    if (Ends("alism")) { R("al"); break; }
                    if (Ends("iveness")) { R("ive"); break; }
                    if (Ends("fulness")) { R("ful"); break; }
                    if (Ends("ousness")) { R("ous"); }
                    break;
                case 't':
                    if (Ends("aliti")) { R("al"); break; }
                    if (Ends("iviti")) { R("ive"); break; }
                    if (Ends("biliti")) { R("ble"); }
                    break;
                case 'g':
                    if (Ends("logi")) { R("log"); }
                    break;
                default:
                    break;
            }
        }

        public void Step3()
        {
            switch (_b[K])
            {
                case 'e':
                    if (Ends("icate")) { R("ic"); break; }
                    if (Ends("ative")) { R(string.Empty); break; }
                    if (Ends("alize")) { R("al"); }
                    break;
                case 'i':
                    if (Ends("iciti")) { R("ic"); }
                    break;
                case 'l':
                    if (Ends("ical")) { R("ic"); break; }
                    if (Ends("ful")) { R(string.Empty); }
                    break;
                case 's':
                    if (Ends("ness")) { R(string.Empty); }
                    break;
                default:
                    break;
            }
        }

        public void Step4()
        {
            var matched = _b[K - 1] switch
            {
                'a' => Ends("al"),
                'c' => Ends("ance") || Ends("ence"),
                'e' => Ends("er"),
                'i' => Ends("ic"),
                'l' => Ends("able") || Ends("ible"),
                'n' => Ends("ant") || Ends("ement") || Ends("ment") || Ends("ent"),
                'o' => (Ends("ion") && _j >= 0 && _b[_j] is 's' or 't') || Ends("ou"),
                's' => Ends("ism"),
                't' => Ends("ate") || Ends("iti"),
                'u' => Ends("ous"),
                'v' => Ends("ive"),
                'z' => Ends("ize"),
                _ => false,
            };

            if (matched && M() > 1)
            {
                K = _j;
            }
        }

        public void Step5()
        {
            _j = K;
            if (_b[K] == 'e')
            {
                var a = M();
                if (a > 1 || (a == 1 && !Cvc(K - 1)))
                {
                    K--;
                }
            }

            if (_b[K] == 'l' && DoubleC(K) && M() > 1)
            {
                K--;
            }
        }

        /// <summary>Gets a value indicating whether <c>b[i]</c> is a consonant (y after a consonant is a vowel).</summary>
        private readonly bool IsConsonant(int i)
        {
            switch (_b[i])
            {
                case 'a':
                case 'e':
                case 'i':
                case 'o':
                case 'u':
                    return false;
                case 'y':
                    return i == 0 || !IsConsonant(i - 1);
                default:
                    return true;
            }
        }

        /// <summary>Measures the number of consonant sequences [C](VC)^m[V] in <c>b[0..j]</c>.</summary>
        private readonly int M()
        {
            var n = 0;
            var i = 0;
            while (true)
            {
                if (i > _j)
                {
                    return n;
                }

                if (!IsConsonant(i))
                {
                    break;
                }

                i++;
            }

            i++;
            while (true)
            {
                while (true)
                {
                    if (i > _j)
                    {
                        return n;
                    }

                    if (IsConsonant(i))
                    {
                        break;
                    }

                    i++;
                }

                i++;
                n++;
                while (true)
                {
                    if (i > _j)
                    {
                        return n;
                    }

                    if (!IsConsonant(i))
                    {
                        break;
                    }

                    i++;
                }

                i++;
            }
        }

        /// <summary>Gets a value indicating whether <c>b[0..j]</c> contains a vowel.</summary>
        private readonly bool VowelInStem()
        {
            for (var i = 0; i <= _j; i++)
            {
                if (!IsConsonant(i))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Gets a value indicating whether <c>b[j-1..j]</c> is a double consonant.</summary>
        private readonly bool DoubleC(int j) => j >= 1 && _b[j] == _b[j - 1] && IsConsonant(j);

        /// <summary>Gets a value indicating whether <c>b[i-2..i]</c> is consonant-vowel-consonant, the last not w, x or y.</summary>
        private readonly bool Cvc(int i)
        {
            if (i < 2 || !IsConsonant(i) || IsConsonant(i - 1) || !IsConsonant(i - 2))
            {
                return false;
            }

            return _b[i] is not ('w' or 'x' or 'y');
        }

        /// <summary>Gets a value indicating whether <c>b[0..k]</c> ends with <paramref name="s"/>; sets <c>j</c>.</summary>
        private bool Ends(string s)
        {
            var length = s.Length;
            if (length > K + 1 || _b[K] != s[^1])
            {
                return false;
            }

            if (!_b.Slice(K - length + 1, length).SequenceEqual(s))
            {
                return false;
            }

            _j = K - length;
            return true;
        }

        /// <summary>Replaces <c>b[j+1..k]</c> with <paramref name="s"/> and moves <c>k</c>.</summary>
        private void SetTo(string s)
        {
            s.AsSpan().CopyTo(_b[(_j + 1)..]);
            K = _j + s.Length;
        }

        /// <summary>Replaces the suffix when the stem's measure is positive.</summary>
        private void R(string s)
        {
            if (M() > 0)
            {
                SetTo(s);
            }
        }
    }
}
