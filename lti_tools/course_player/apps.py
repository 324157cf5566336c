from django.apps import AppConfig


class CoursePlayerConfig(AppConfig):
    name = 'lti_tools.course_player'
    label = 'course_player'
    verbose_name = 'MAGIX course player'
