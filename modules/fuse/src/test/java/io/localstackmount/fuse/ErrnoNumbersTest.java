package io.localstackmount.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.Errno;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The one place errno names become numbers. */
class ErrnoNumbersTest {

    @Test
    @DisplayName("every name has a distinct positive number")
    void complete() {
        Set<Integer> seen = new HashSet<>();
        for (Errno e : Errno.values()) {
            int n = ErrnoNumbers.of(e);
            assertTrue(n > 0, e + " -> " + n);
            assertTrue(seen.add(n), e + " shares " + n);
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    @DisplayName("Linux numbers; ENOTSUP is EOPNOTSUPP (95), not jnr-constants' 45")
    void linux() {
        assertEquals(1, ErrnoNumbers.of(Errno.EPERM));
        assertEquals(2, ErrnoNumbers.of(Errno.ENOENT));
        assertEquals(5, ErrnoNumbers.of(Errno.EIO));
        assertEquals(9, ErrnoNumbers.of(Errno.EBADF));
        assertEquals(13, ErrnoNumbers.of(Errno.EACCES));
        assertEquals(17, ErrnoNumbers.of(Errno.EEXIST));
        assertEquals(18, ErrnoNumbers.of(Errno.EXDEV));
        assertEquals(20, ErrnoNumbers.of(Errno.ENOTDIR));
        assertEquals(21, ErrnoNumbers.of(Errno.EISDIR));
        assertEquals(22, ErrnoNumbers.of(Errno.EINVAL));
        assertEquals(27, ErrnoNumbers.of(Errno.EFBIG));
        assertEquals(28, ErrnoNumbers.of(Errno.ENOSPC));
        assertEquals(30, ErrnoNumbers.of(Errno.EROFS));
        assertEquals(34, ErrnoNumbers.of(Errno.ERANGE));
        assertEquals(36, ErrnoNumbers.of(Errno.ENAMETOOLONG));
        assertEquals(38, ErrnoNumbers.of(Errno.ENOSYS));
        assertEquals(39, ErrnoNumbers.of(Errno.ENOTEMPTY));
        assertEquals(61, ErrnoNumbers.of(Errno.ENODATA));
        assertEquals(95, ErrnoNumbers.of(Errno.ENOTSUP));
    }
}
