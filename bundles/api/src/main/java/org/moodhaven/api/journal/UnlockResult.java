package org.moodhaven.api.journal;

/**
 * What unlocking found out about the password.
 *
 * @param checked  whether an earlier entry written with this journal's salt existed to check against
 * @param matches  whether the password opened it ({@code true} when nothing could be checked)
 */
public record UnlockResult(boolean checked, boolean matches) {
}
