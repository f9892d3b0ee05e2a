package io.coffer.plugin.redis.users;

import io.coffer.spi.DatastoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The permission part of a Redis ACL rule set, checked token by token (<a
 * href="https://redis.io/docs/latest/operate/oss_and_stack/management/security/acl/#acl-rules">ACL
 * rules</a>): key patterns ({@code ~p}, {@code %R~p}, {@code %W~p}, {@code %RW~p}, {@code allkeys},
 * {@code resetkeys}), channel patterns ({@code &p}, {@code allchannels}, {@code resetchannels}) and
 * commands ({@code +cmd}, {@code -cmd}, {@code +cmd|sub}, {@code +@category}, {@code -@category},
 * {@code allcommands}, {@code nocommands}). Everything else is refused: the agent alone decides
 * whether an account is on and what its passwords are ({@code on}, {@code off}, {@code >pw}, {@code
 * <pw}, {@code #hash}, {@code !hash}, {@code nopass}, {@code resetpass}, {@code reset}), and
 * selectors are not offered. Each token becomes one argument of {@code ACL SETUSER}, never a string
 * Redis would split again.
 */
public final class AclRules {
  /**
   * For accounts created without rules: every key and channel, every command but admin and
   * dangerous ones.
   */
  public static final List<String> DEFAULT = List.of("~*", "&*", "+@all", "-@admin", "-@dangerous");

  private static final int MAX_TOKENS = 64;
  private static final int MAX_TOKEN = 256;
  private static final Set<String> KEYWORDS =
      Set.of("allkeys", "resetkeys", "allchannels", "resetchannels", "allcommands", "nocommands");
  private static final Pattern KEYS = Pattern.compile("(~|%(R|W|RW)~)[\\x21-\\x7e]+");
  private static final Pattern CHANNELS = Pattern.compile("&[\\x21-\\x7e]+");
  private static final Pattern COMMANDS =
      Pattern.compile("[+-](@[a-z]+|[a-z][a-z0-9_-]*(\\|[a-z0-9_-]+)?)", Pattern.CASE_INSENSITIVE);

  private AclRules() {}

  /**
   * @throws DatastoreException INVALID_ARGUMENT (field {@code access_rules}) naming the bad token
   */
  public static List<String> parse(String rules) {
    if (rules.isBlank()) {
      return DEFAULT;
    }
    String[] tokens = rules.trim().split("\\s+");
    if (tokens.length > MAX_TOKENS) {
      throw DatastoreException.invalidArgument("access_rules", "at most " + MAX_TOKENS + " rules");
    }
    List<String> out = new ArrayList<>();
    for (String token : tokens) {
      if (token.length() > MAX_TOKEN
          || !(KEYWORDS.contains(token)
              || KEYS.matcher(token).matches()
              || CHANNELS.matcher(token).matches()
              || COMMANDS.matcher(token).matches())) {
        throw DatastoreException.invalidArgument(
            "access_rules",
            "'"
                + printable(token)
                + "' is not a key, channel or"
                + " command rule (passwords, on/off, reset and selectors are the agent's, not the caller's)");
      }
      out.add(token);
    }
    return out;
  }

  private static String printable(String token) {
    String cut = token.length() > 40 ? token.substring(0, 40) + "..." : token;
    // never echo what looks like a password
    if (cut.startsWith(">") || cut.startsWith("<") || cut.startsWith("#") || cut.startsWith("!")) {
      return cut.charAt(0) + "...";
    }
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
